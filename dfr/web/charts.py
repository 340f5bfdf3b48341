"""The register's KPI charts, drawn by `dfr.charts` (the core, so that the progress report's
documents, made in `services/`, draw the same charts)."""

from __future__ import annotations

from dfr.charts import chart_data_uri, is_drawn, kpi_chart

__all__ = ["chart_data_uri", "is_drawn", "kpi_chart"]
