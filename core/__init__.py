"""Pure rules with no app imports: calendars, dates, collection years, periods of care."""
