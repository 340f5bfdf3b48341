"""The services outside, faked over real sockets on 127.0.0.1: Slack's Web API and SMTP."""
