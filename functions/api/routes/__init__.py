"""The API's routers: tickets, lifecycle actions, the directory."""
