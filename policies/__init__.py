"""Policy files and their schema (never imports ``agent``)."""
