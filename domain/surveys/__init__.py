"""Surveys: questionnaires, the surveys modules run, links, answers (docs/surveys.md)."""
