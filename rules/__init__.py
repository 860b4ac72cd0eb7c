"""The rule catalogue as data: one TOML file per rule, installed as healers.rules."""
