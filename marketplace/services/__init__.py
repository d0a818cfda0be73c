"""Services own every state change, its transaction and its audit event."""
