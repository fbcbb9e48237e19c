"""Widgets: main window, panes and dialogs."""
