-- pgbench: the SQL of one place-order transaction of three lines, as the application runs it
-- (prices read, stock locked and conditionally updated, order, lines, ledger, reservations,
-- history and outbox rows inserted), on the owner's connection with the tenant set.
-- Variables arrive quoted: -D "tenant='<uuid>'" -D "p1='<uuid>'" ...
BEGIN;
SELECT set_config('app.tenant_id', :tenant, true);
SELECT currency, tax_rate FROM tenancy_tenantsettings WHERE tenant_id = :tenant;
SELECT id, name, currency, price_minor FROM catalog_product
 WHERE tenant_id = :tenant AND status = 'published' AND id IN (:p1, :p2, :p3);
SELECT id, on_hand, reserved FROM inventory_stockitem
 WHERE tenant_id = :tenant AND product_id IN (:p1, :p2, :p3) ORDER BY product_id FOR UPDATE;
UPDATE inventory_stockitem SET reserved = reserved + 1, version = version + 1
 WHERE tenant_id = :tenant AND product_id IN (:p1, :p2, :p3) AND on_hand - reserved >= 1;
INSERT INTO inventory_stockmovement (tenant_id, product_id, kind, on_hand_delta, reserved_delta, on_hand_after, reserved_after, reference, created_at)
 SELECT :tenant, p, 'reserve', 0, 1, 0, 0, 'bench', now() FROM unnest(ARRAY[:p1, :p2, :p3]::uuid[]) AS p;
INSERT INTO inventory_reservation (tenant_id, order_id, product_id, quantity, expires_at, status, created_at)
 SELECT :tenant, gen_random_uuid(), p, 1, now() + interval '15 minutes', 'active', now() FROM unnest(ARRAY[:p1, :p2, :p3]::uuid[]) AS p;
WITH o AS (
  INSERT INTO ordering_order (tenant_id, id, customer_id, currency, tax_rate, status, subtotal_minor, tax_minor, total_minor, reserved_until, cancel_reason, version, created_at, updated_at)
  VALUES (:tenant, gen_random_uuid(), gen_random_uuid(), 'USD', 8.00, 'confirmed', 300, 24, 324, now() + interval '15 minutes', '', 1, now(), now())
  RETURNING id)
INSERT INTO ordering_orderline (tenant_id, order_id, position, product_id, name, currency, unit_price_minor, quantity)
 SELECT :tenant, o.id, n, p, 'bench', 'USD', 100, 1 FROM o, unnest(ARRAY[:p1, :p2, :p3]::uuid[]) WITH ORDINALITY AS t(p, n);
INSERT INTO ordering_orderevent (tenant_id, id, order_id, version, type, occurred_at, payload)
 VALUES (:tenant, gen_random_uuid(), gen_random_uuid(), 1, 'ordering.order_placed', now(), '{}');
INSERT INTO infrastructure_outboxmessage (id, type, tenant, aggregate_id, aggregate_version, occurred_at, payload, created_at, attempts, last_error)
 VALUES (gen_random_uuid(), 'ordering.order_placed', 'acme', 'x', 1, now(), '{}', now(), 0, '');
COMMIT;
