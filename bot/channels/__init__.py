"""Channel adapters: one module per chat platform, each implementing
:class:`scheduling.channel.Channel`.

Import the adapter you need (``bot.channels.telegram``) rather than this package,
so that running one channel never loads another platform's client library.
"""
