"""Small building blocks shared by every app: job publishing, tokens, upload checks.

Not a Django app: no models, no settings of its own. Apps may import it; it imports no app.
"""
