"""The running service: channels in, replies out, the web app and the CLI."""
