"""emails claimed on a lease, apart from sent

Revision ID: 5b1c0e7d2a94
Revises: 324466f2a213
Create Date: 2026-11-25 09:12:41.118230

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b1c0e7d2a94'
down_revision = '324466f2a213'
branch_labels = None
depends_on = None


def upgrade():
    # `order` has no triggers: batch_alter_table is safe on it (never on `product`).
    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt_claimed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('sale_notice_claimed_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.drop_column('sale_notice_claimed_at')
        batch_op.drop_column('receipt_claimed_at')
