-- A code is consumed by inserting the grant it names (docs/design/0019): the grant's id is
-- sealed in the code and made for it alone, so the grant's primary key already says whether the
-- code was redeemed, and the separate record of redeemed code ids goes. A code redeemed before
-- this migration created its grant then too, so a replay of it is still recognised.
DROP TABLE code_redemptions;
