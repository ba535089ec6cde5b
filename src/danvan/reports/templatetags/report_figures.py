"""Filters that show a report's stored figures as the document prints them."""

from django import template

from danvan.reports.documents import figure, percent

register = template.Library()
register.filter("report_figure", figure)
register.filter("report_percent", percent)
