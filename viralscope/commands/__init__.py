"""One module per command family; each registers its commands on ``viralscope.cli.main`` on import."""
