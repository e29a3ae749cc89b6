"""product ratings kept on the product

Revision ID: e7419c6bb816
Revises: 2fda96c8f883
Create Date: 2026-11-24 07:16:43.857086

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7419c6bb816'
down_revision = '2fda96c8f883'
branch_labels = None
depends_on = None


def upgrade():
    # Not a batch: on SQLite a batch rebuilds `product` and loses its search triggers.
    op.add_column('product', sa.Column('rating_count', sa.Integer(), server_default='0', nullable=False))
    op.add_column('product', sa.Column('rating_total', sa.Integer(), server_default='0', nullable=False))
    op.add_column('product', sa.Column('rating_score', sa.Integer(), server_default='0', nullable=False))
    op.create_index('ix_product_rating_score_id', 'product', ['rating_score', 'id'], unique=False)
    op.execute(
        """
        UPDATE product SET
            rating_count = (SELECT count(*) FROM review JOIN "order" ON "order".id = review.order_id
                            WHERE review.product_id = product.id AND "order".status = 'paid'),
            rating_total = (SELECT coalesce(sum(review.rating), 0) FROM review JOIN "order" ON "order".id = review.order_id
                            WHERE review.product_id = product.id AND "order".status = 'paid')
        """
    )
    op.execute(
        "UPDATE product SET rating_score = CASE WHEN rating_count > 0 "
        "THEN CAST(round(100.0 * rating_total / rating_count) AS INTEGER) ELSE 0 END"
    )


def downgrade():
    op.drop_index('ix_product_rating_score_id', table_name='product')
    op.drop_column('product', 'rating_score')
    op.drop_column('product', 'rating_total')
    op.drop_column('product', 'rating_count')
