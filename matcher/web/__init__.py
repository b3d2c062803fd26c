"""The web layer: blueprints of thin views, forms, and the access rules in one place."""
