package io.github.actas.keycloak.persistence;

import java.util.List;

import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;

/** Adds the Act-As tables to Keycloak's persistence unit; Keycloak runs the Liquibase changelog at startup. */
public final class ActAsJpaEntityProvider implements JpaEntityProvider {

    private static final List<Class<?>> ENTITIES = List.of(ActAsSessionEntity.class, AuditRecordEntity.class,
            AuditOutboxEntity.class, AuditSinkStateEntity.class, AuditWriterEntity.class, ServiceAccountEntity.class);

    @Override
    public List<Class<?>> getEntities() {
        return ENTITIES;
    }

    @Override
    public String getChangelogLocation() {
        return "META-INF/act-as/changelog.xml";
    }

    @Override
    public String getFactoryId() {
        return ActAsJpaEntityProviderFactory.PROVIDER_ID;
    }

    @Override
    public void close() {
    }
}
