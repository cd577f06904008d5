"""The evaluation harness: YAML cases, small graders, a model judge, a runner and reports."""
