"""Shopify Admin GraphQL API emulator (see README.md, which also maps its modules).

`cli`/`app` serve HTTP; `executor` runs one GraphQL request (cost, throttle, errors); `schema` and
`nodes` attach the resolvers of the resource views (`customer_views`, `catalog_views`,
`order_views`, `mutations`) to the SDL subset; `customers`, `products`, `inventory`, `orders` are
the resources (table, filters, sort keys); `connection`, `search`, `filters`, `cost`, `jobs` are
the generic engines; the generators make demo data; `control`, `faults`, `auth`, `throttle` are the
remaining behaviours.
"""
