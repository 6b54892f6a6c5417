"""The brand app's blueprints, one per concern; ``guard`` declares who may use each route."""
