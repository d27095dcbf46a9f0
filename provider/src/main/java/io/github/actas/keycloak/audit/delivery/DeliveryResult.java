package io.github.actas.keycloak.audit.delivery;

/** What came of delivering one record to one sink. */
record DeliveryResult(String recordId, String sinkId, boolean ok, String error) {

    static DeliveryResult ok(DeliveryTask task, SinkTarget target) {
        return new DeliveryResult(task.recordId(), target.id(), true, null);
    }

    static DeliveryResult failed(DeliveryTask task, SinkTarget target, String error) {
        return new DeliveryResult(task.recordId(), target.id(), false, error);
    }
}
