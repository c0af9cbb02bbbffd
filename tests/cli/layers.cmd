# The layering of docs/architecture.md: what each folder may include, and
# no stage calling another stage (tools/check_layers.py).
python3 tools/check_layers.py
