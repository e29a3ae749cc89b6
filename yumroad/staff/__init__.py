"""The staff area: search users, stores, products and orders; suspend users, take products down; the audit log."""
