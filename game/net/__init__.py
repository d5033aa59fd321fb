"""The town server and its clients: many people in one town, over WebSockets."""
