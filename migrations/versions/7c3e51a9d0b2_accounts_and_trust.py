"""accounts and trust: email verification, session versions, staff, suspension, deletion, takedowns

Revision ID: 7c3e51a9d0b2
Revises: 5b1c0e7d2a94
Create Date: 2026-11-24 14:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c3e51a9d0b2'
down_revision = '5b1c0e7d2a94'
branch_labels = None
depends_on = None


def upgrade():
    # Not batches: on SQLite a batch rebuilds `product` and loses its search triggers.
    op.add_column('user', sa.Column('email_verified_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('user', sa.Column('session_version', sa.Integer(), server_default='1', nullable=False))
    op.add_column('user', sa.Column('is_staff', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column('user', sa.Column('suspended_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('user', sa.Column('suspension_reason', sa.Text(), nullable=True))
    op.add_column('user', sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True))
    # No account counts as verified until its owner follows a link: sign-up never checked addresses,
    # and a verified address is given the guest orders made with it. Published products stay
    # published; publishing another one waits for the link (the banner offers to send it).
    op.add_column('product', sa.Column('taken_down_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('product', sa.Column('takedown_reason', sa.Text(), nullable=True))
    op.create_table(
        'staff_action',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=False),
        sa.Column('action', sa.String(length=32), nullable=False),
        sa.Column('subject_type', sa.String(length=16), nullable=False),
        sa.Column('subject_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['staff_id'], ['user.id'], name=op.f('fk_staff_action_staff_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_action')),
    )
    with op.batch_alter_table('staff_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_action_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_action_staff_id'), ['staff_id'], unique=False)


def downgrade():
    with op.batch_alter_table('staff_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_action_staff_id'))
        batch_op.drop_index(batch_op.f('ix_staff_action_created_at'))
    op.drop_table('staff_action')
    op.drop_column('product', 'takedown_reason')
    op.drop_column('product', 'taken_down_at')
    for column in ('deleted_at', 'suspension_reason', 'suspended_at', 'is_staff', 'session_version', 'email_verified_at'):
        op.drop_column('user', column)
