from django.urls import path

from barrio.registry.views import (
    adjudication,
    data_changes,
    grievances,
    households,
    imports,
    messages,
    payment_plans,
    payments,
    reconciliation,
    referrals,
)

app_name = "registry"
urlpatterns = [
    path("programmes/<slug:slug>/", households.dashboard, name="dashboard"),
    path("programmes/<slug:slug>/households/", households.household_list, name="households"),
    path("programmes/<slug:slug>/register/", households.register, name="register"),
    path(
        "programmes/<slug:slug>/drafts/<int:draft_id>/delete/",
        households.draft_delete,
        name="draft_delete",
    ),
    path("households/<int:household_id>/", households.household_detail, name="household"),
    path("programmes/<slug:slug>/imports/", imports.import_list, name="imports"),
    path(
        "programmes/<slug:slug>/imports/template/", imports.import_template, name="import_template"
    ),
    path("imports/<int:batch_id>/", imports.import_batch, name="import_batch"),
    path("programmes/<slug:slug>/duplicates/", adjudication.queue, name="adjudication"),
    path("duplicates/<int:task_id>/", adjudication.task_detail, name="adjudication_task"),
    # Grievances, data changes, referrals, messages (issue 10 part B).
    path("programmes/<slug:slug>/grievances/", grievances.queue, name="grievances"),
    path("programmes/<slug:slug>/grievances/new/", grievances.intake, name="grievance_new"),
    path("grievances/<int:grievance_id>/", grievances.detail, name="grievance"),
    path(
        "households/<int:household_id>/corrections/new/",
        data_changes.request_new,
        name="data_change_new",
    ),
    path("programmes/<slug:slug>/corrections/", data_changes.queue, name="data_changes"),
    path("corrections/<int:request_id>/", data_changes.detail, name="data_change"),
    path("programmes/<slug:slug>/referrals/new/", referrals.referral_new, name="referral_new"),
    path("referrals/<int:referral_id>/", referrals.referral_detail, name="referral"),
    path("programmes/<slug:slug>/messages/", messages.message_list, name="messages"),
    path(
        "messages/templates/<int:template_id>/",
        messages.template_detail,
        name="message_template",
    ),
    path("messages/sendings/<int:campaign_id>/", messages.campaign_detail, name="campaign"),
    # Cash assistance (issue 10, part A).
    path("programmes/<slug:slug>/eligibility/", payments.eligibility_page, name="eligibility"),
    path(
        "programmes/<slug:slug>/eligibility/rules/<int:rule_id>/",
        payments.eligibility_rule,
        name="eligibility_rule",
    ),
    path(
        "programmes/<slug:slug>/target-lists/<int:list_id>/",
        payments.target_list,
        name="target_list",
    ),
    path("programmes/<slug:slug>/cycles/", payments.cycles_page, name="cycles"),
    path("programmes/<slug:slug>/cycles/<int:cycle_id>/", payments.cycle_detail, name="cycle"),
    path(
        "programmes/<slug:slug>/cycles/<int:cycle_id>/plans/new/",
        payment_plans.payment_plan_new,
        name="payment_plan_new",
    ),
    path(
        "programmes/<slug:slug>/payment-plans/<int:plan_id>/",
        payment_plans.payment_plan,
        name="payment_plan",
    ),
    path(
        "programmes/<slug:slug>/payment-files/<int:file_id>/",
        payment_plans.payment_file,
        name="payment_file",
    ),
    path(
        "programmes/<slug:slug>/reconciliation/",
        reconciliation.reconciliation_page,
        name="reconciliation",
    ),
    path(
        "programmes/<slug:slug>/reconciliation/imports/<int:import_id>/",
        reconciliation.reconciliation_import,
        name="reconciliation_import",
    ),
    path(
        "programmes/<slug:slug>/payments-dashboard/",
        reconciliation.payments_dashboard,
        name="payments_dashboard",
    ),
    path(
        "programmes/<slug:slug>/cycles/<int:cycle_id>/verification/",
        reconciliation.verification_new,
        name="verification_new",
    ),
    path(
        "programmes/<slug:slug>/verifications/<int:verification_id>/",
        reconciliation.verification,
        name="verification",
    ),
    path(
        "households/<int:household_id>/payment-details/",
        payment_plans.delivery_account,
        name="delivery_account",
    ),
]
