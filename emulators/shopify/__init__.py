"""Shopify Admin GraphQL API emulator (see README.md).

Layout: `cli`/`app` serve HTTP; `executor` runs one GraphQL request (cost, throttle, errors);
`schema` + `nodes` resolve fields; `customers` is the customer resource (table, filters, sort
keys); `connection`, `search`, `filters`, `cost` are the generic engines; `generator` makes demo
data; `control`, `faults`, `auth`, `throttle` are the remaining behaviours.
"""
