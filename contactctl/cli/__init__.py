"""The command line: one module per command; options become a typed plan."""
