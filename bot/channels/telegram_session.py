"""The HTTP session the Telegram channel talks to the Bot API through.

The Bot API reads a call's parameters from a form or from a JSON body ("application/
json (except for uploading files)"). aiogram's session always builds a form, and
percent-encoding Vietnamese text into it is about a tenth of the work of sending a
reminder. :class:`JsonBodySession` sends every call without a file as one JSON body
and leaves the calls that upload a file to aiogram's form; answers, errors and time-outs
are read exactly as aiogram reads them.
"""

from __future__ import annotations

from typing import Any, TypeVar, cast

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods.base import TelegramMethod
from aiohttp import ClientError, ClientTimeout

TelegramType = TypeVar("TelegramType")

_JSON_HEADERS = {"Content-Type": "application/json"}


class JsonBodySession(AiohttpSession):
    """An aiogram session sending calls without files as JSON bodies."""

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        """Call ``method``: as a JSON body, or as aiogram's form when it uploads a file."""
        files: dict[str, Any] = {}
        body = self.json_body(bot, method, files)
        if files:
            return await super().make_request(bot, method, timeout)
        session = await self.create_session()
        url = self.api.api_url(token=bot.token, method=method.__api_method__)
        try:
            async with session.post(
                url,
                data=self.json_dumps(body),
                headers=_JSON_HEADERS,
                timeout=ClientTimeout(total=self.timeout if timeout is None else timeout),
            ) as response:
                content = await response.text()
        except TimeoutError as error:
            raise TelegramNetworkError(method=method, message="Request timeout error") from error
        except ClientError as error:
            message = f"{type(error).__name__}: {error}"
            raise TelegramNetworkError(method=method, message=message) from error
        answer = self.check_response(
            bot=bot, method=method, status_code=response.status, content=content
        )
        return cast(TelegramType, answer.result)

    def json_body(
        self, bot: Bot, method: TelegramMethod[Any], files: dict[str, Any]
    ) -> dict[str, Any]:
        """The parameters of ``method`` as the JSON body's values (unset ones left out);
        the files it would upload are put in ``files``."""
        body: dict[str, Any] = {}
        for key, raw in method.model_dump(warnings=False).items():
            value = self.prepare_value(raw, bot=bot, files=files, _dumps_json=False)
            if value is not None:
                body[key] = value
        return body
