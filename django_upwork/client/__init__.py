"""The network layer: HTTP transport, OAuth2 token requests and the shared rate limiter.

Nothing here touches the database; :mod:`django_upwork.services` combines this layer with
the models.
"""

from django_upwork.client.redaction import install_redaction_filters

install_redaction_filters()
