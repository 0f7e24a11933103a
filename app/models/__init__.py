"""Table models; importing this package registers every table on `SQLModel.metadata`."""

from app.models.base import SLUG_MAX, SLUG_PATTERN
from app.models.claim import Citation, Claim
from app.models.dataset import DatasetInfo
from app.models.entity import Entity, EntityAlias
from app.models.event import Event, EventCitation, EventEntity
from app.models.metric import Metric
from app.models.search import SearchDocument, SearchSynonym
from app.models.source import Source

__all__ = [
    "SLUG_MAX",
    "SLUG_PATTERN",
    "Citation",
    "Claim",
    "DatasetInfo",
    "Entity",
    "EntityAlias",
    "Event",
    "EventCitation",
    "EventEntity",
    "Metric",
    "SearchDocument",
    "SearchSynonym",
    "Source",
]
