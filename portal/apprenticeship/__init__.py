"""The enterprise new-apprenticeship programme (企业新型学徒制): one package per stage (AP-*)."""
