"""Settings, adapters and the wiring point that puts Commonplace together."""
