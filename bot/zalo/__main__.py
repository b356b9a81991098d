import sys

from bot.log_masking import mask_phones_in_logs
from bot.zalo.app import main

mask_phones_in_logs()
sys.exit(main())
