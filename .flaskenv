# Public settings for the `flask` command (secrets go in .env, which is not committed).
FLASK_APP=yumroad
