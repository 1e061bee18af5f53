"""An assembly's outbound webhooks: pages and API for its facilitators."""
