"""The review graph: perceive -> reason -> evaluate -> propose -> approval -> execute."""
