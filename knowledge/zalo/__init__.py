"""What the Zalo Official Account channel keeps in the application database: the OA's tokens
(the refresh token rotates at every refresh, so it cannot live in the environment alone) and
the webhook events received, stored before Zalo is answered and handled after."""
