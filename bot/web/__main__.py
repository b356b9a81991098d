from bot.log_masking import mask_phones_in_logs
from bot.web.server import main

mask_phones_in_logs()
main()
