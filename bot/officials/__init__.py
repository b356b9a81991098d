"""What the channels of the officials' desk share: getting a reply to a Telegram citizen, from
the bot's own process or from the web page's (which has only the bot's token)."""
