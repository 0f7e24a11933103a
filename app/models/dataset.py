"""Facts about the loaded dataset as a whole (its content hash, the loader's version)."""

from sqlmodel import Field, SQLModel


class DatasetInfo(SQLModel, table=True):
    __tablename__ = "dataset_info"

    key: str = Field(primary_key=True, max_length=64)
    value: str
