"""Dataset-wide counts and the dataset version."""

from typing import Any

from sqlalchemy import Connection, distinct, func, select

from app.models import Citation, Claim, DatasetInfo, Entity, Event, Metric, Source


def dataset_version(conn: Connection) -> str:
    table = DatasetInfo.__table__  # type: ignore[attr-defined]
    value = conn.execute(select(table.c.value).where(table.c.key == "version")).scalar()
    return str(value or "empty")


def get_stats(conn: Connection) -> dict[str, Any]:
    def count(model: Any) -> int:
        return conn.execute(select(func.count()).select_from(model.__table__)).scalar_one()

    claim_t = Claim.__table__  # type: ignore[attr-defined]
    return {
        "dataset_version": dataset_version(conn),
        "sources": count(Source),
        "claims": count(Claim),
        "citations": count(Citation),
        "events": count(Event),
        "entities": count(Entity),
        "speakers": conn.execute(select(func.count(distinct(claim_t.c.speaker_id)))).scalar_one(),
        "metrics": count(Metric),
    }
