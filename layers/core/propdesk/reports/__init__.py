"""The daily (日报) and monthly (月报) reports: streamed figures, written as CSV, JSON and HTML."""
