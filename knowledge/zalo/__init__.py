"""What the Zalo Official Account channel keeps in the application database: the OA's tokens
(the refresh token rotates at every refresh, so it cannot live in the environment alone). Its
webhook events go through the shared inbox (``knowledge.inbox``)."""
