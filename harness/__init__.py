"""What the tests and the benchmarks both run on, outside the shipped packages: the sample
directory and submissions (`samples`), fakes of the services outside (`fakes`: Slack's Web API,
an SMTP server) and a production stack on this machine (`production`).

It may import every layer of the application; no shipped package imports it (an import
contract in pyproject.toml), and the wheel leaves it out. It imports neither `tests` nor
`bench`."""
