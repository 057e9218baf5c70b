"""Forms of the register screens, one module per area."""
