"""Live subscriptions: the change log delivered to WebSocket and Server-Sent-Events clients."""
