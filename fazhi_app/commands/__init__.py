"""Subcommands of ``fazhi``, one module per part of the project; each exports ``COMMANDS``."""
