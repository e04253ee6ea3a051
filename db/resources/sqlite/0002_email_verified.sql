-- Sessions also keep whether the Network had verified the sign-in address (rp::SiteAuth).
ALTER TABLE sessions ADD COLUMN email_verified INTEGER NOT NULL DEFAULT 0;
