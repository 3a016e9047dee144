"""Ready-made kerasdl workflows (filled in by the recipes work)."""
