"""Moved to :mod:`domain.app.adaptation_reports`; this name stays while other modules move over."""

from domain.app.adaptation_reports import may_see_report, reader_summary, visible_reports

__all__ = ["may_see_report", "reader_summary", "visible_reports"]
